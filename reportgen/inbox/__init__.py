"""The forms inbox (generate.py serve): departments hand in their forms in a browser; the planning office watches the year."""
