"""One module per lesson page, named like its page: the sections it draws, each from its URL-bound controls.

Shared by several pages: exercises (the exercise at the end of each lesson), quiz, course_notes (home page)."""
