FROM debian:12.7-slim
COPY --chown=1000:1000 app /usr/local/bin/app
CMD ["setpriv", "--reuid=1000", "--regid=1000", "--init-groups", "/usr/local/bin/app"]
