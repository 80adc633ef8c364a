#!/bin/bash
# Variables and loops, as tor-router writes them; no INVALID or FIN/ACK guard, and OUTPUT fails open.
NON_TOR="192.168.1.0/24 192.168.0.0/24"
TOR_UID=$(id -u debian-tor)
TRANS_PORT="9040"

iptables -F
iptables -t nat -F
iptables -t nat -A OUTPUT -m owner --uid-owner "$TOR_UID" -j RETURN
iptables -t nat -A OUTPUT -p udp --dport 53 -j REDIRECT --to-ports 5353
for NET in $NON_TOR 127.0.0.0/9 127.128.0.0/10; do
	iptables -t nat -A OUTPUT -d "$NET" -j RETURN
done
iptables -t nat -A OUTPUT -p tcp --syn -j REDIRECT --to-ports $TRANS_PORT
iptables -A OUTPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
for NET in $NON_TOR 127.0.0.0/8; do
	iptables -A OUTPUT -d "$NET" -j ACCEPT
done
iptables -A OUTPUT -m owner --uid-owner "$TOR_UID" -j ACCEPT
