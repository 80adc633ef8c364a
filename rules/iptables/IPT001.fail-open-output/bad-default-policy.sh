#!/bin/sh
# The 2024 shape: the final ACCEPT is gone, but nothing sets a DROP policy, so the default ACCEPT still applies.
TRANS_PORT=9040
TOR_USER=debian-tor

iptables -F
iptables -t nat -F
iptables -t nat -A OUTPUT -m owner --uid-owner "$TOR_USER" -j RETURN
iptables -t nat -A OUTPUT -p tcp --syn -j REDIRECT --to-ports $TRANS_PORT
iptables -A OUTPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
iptables -A OUTPUT -m owner --uid-owner "$TOR_USER" -j ACCEPT
