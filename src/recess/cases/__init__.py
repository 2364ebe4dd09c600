"""A minimal Case Management: enough cases for maintenance windows to act on."""
