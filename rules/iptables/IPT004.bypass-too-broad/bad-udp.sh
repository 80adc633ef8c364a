#!/bin/sh
# tor-router 2024: UDP is "redirected" to the TransPort, which only speaks TCP.
TRANS_PORT=9040
iptables -P OUTPUT DROP
iptables -t nat -A OUTPUT -m owner --uid-owner debian-tor -j RETURN
iptables -t nat -A OUTPUT -p udp --dport 53 -j REDIRECT --to-ports 5353
iptables -t nat -A OUTPUT -p tcp --syn -j REDIRECT --to-ports $TRANS_PORT
iptables -t nat -A OUTPUT -p udp -j REDIRECT --to-ports $TRANS_PORT
iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -m owner --uid-owner debian-tor -j ACCEPT
