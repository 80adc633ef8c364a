#!/bin/sh
# IPv6 is switched off before the IPv4 rules go in.
sysctl -w net.ipv6.conf.all.disable_ipv6=1
iptables -P OUTPUT DROP
iptables -t nat -A OUTPUT -m owner --uid-owner debian-tor -j RETURN
iptables -t nat -A OUTPUT -p tcp --syn -j REDIRECT --to-ports 9040
iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -m owner --uid-owner debian-tor -j ACCEPT
