"""nbgrader settings for Serverless Lab: source notebooks live in notebooks/."""

c = get_config()  # type: ignore[name-defined]  # noqa: F821
c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "notebooks"
c.CourseDirectory.course_id = "serverless-lab"
