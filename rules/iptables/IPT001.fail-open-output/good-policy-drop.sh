#!/bin/bash
IPT=/usr/sbin/iptables
TOR_UID=$(id -u debian-tor)
$IPT -F
$IPT -t nat -F
$IPT -P OUTPUT DROP
$IPT -t nat -A OUTPUT -m owner --uid-owner "$TOR_UID" -j RETURN
$IPT -t nat -A OUTPUT -p tcp --syn -j REDIRECT --to-ports 9040
$IPT -A OUTPUT -o lo -j ACCEPT
$IPT -A OUTPUT -m owner --uid-owner "$TOR_UID" -j ACCEPT
