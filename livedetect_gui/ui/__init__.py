"""The Qt layer of LiveDetect Desk."""
