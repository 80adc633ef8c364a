FROM python:3.12-slim
USER 65534
# The interpreter with a module to run is a server, not the prompt of a base image.
CMD ["python3", "-m", "http.server", "8000"]
