"""The Qt-free domain of LiveDetect Desk: used by the CLI, the sandbox, the GUI and the tests."""
