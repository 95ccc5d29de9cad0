"""nbgrader settings for Serverless Lab: source notebooks live in notebooks/."""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "notebooks"
c.CourseDirectory.course_id = "serverless-lab"
