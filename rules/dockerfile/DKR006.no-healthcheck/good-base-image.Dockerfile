FROM debian:12.7-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/venv/bin:$PATH
# A base for application images: it starts the interpreter's prompt.
CMD ["python3"]
