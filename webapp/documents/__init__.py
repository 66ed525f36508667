"""Files uploaded to an application: the PDF as submitted, and the project's reports."""
