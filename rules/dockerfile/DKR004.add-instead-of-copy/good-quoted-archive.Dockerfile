FROM alpine:3.20
# BuildKit removes the quotes: this is an archive ADD unpacks, which COPY cannot do.
ADD "rootfs.tar.gz" /
