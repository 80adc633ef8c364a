#!/bin/bash
NON_TOR="192.168.1.0/24 10.0.0.0/8"
TOR_UID=$(id -u debian-tor)
iptables -P OUTPUT DROP
iptables -t nat -A OUTPUT -m owner --uid-owner "$TOR_UID" -j RETURN
iptables -t nat -A OUTPUT -p udp --dport 53 -j REDIRECT --to-ports 5353
for NET in $NON_TOR 127.0.0.0/9 127.128.0.0/10; do
	iptables -t nat -A OUTPUT -d "$NET" -j RETURN
done
iptables -t nat -A OUTPUT -p tcp --syn -j REDIRECT --to-ports 9040
iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -m owner --uid-owner "$TOR_UID" -j ACCEPT
