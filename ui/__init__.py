"""The Qt desktop windows on top of the ``carecenter`` core."""
