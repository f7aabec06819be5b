"""The webcam capture station: frame sources, the capture panel and its dock."""
