FROM alpine:3.20
USER nobody
RUN id
USER root:root
