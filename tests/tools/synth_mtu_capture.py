#!/usr/bin/env python3
"""Writes a large Ethernet pcap of MTU-sized HTTP traffic for benchmarks (sniffer bench read, reassembly memory).

Loopback captures have 64 KB frames and say nothing about packet rate, so the benchmark capture is synthesised:
FLOWS keep-alive HTTP/1.1 connections (handshake, GET, a response of BODY bytes in 1460-byte segments with an
ACK every second segment, FIN), CONCURRENT of them interleaved at a time, frames GAP microseconds apart on the
wire clock. The default gap of 1 µs is a 7.5 Gbit/s link: a 1 GB capture spans about a second, shorter than the
5 s a closed flow lingers, so every flow is still in the table at the end. Memory comparisons between sizes
need a capture longer than that: --gap 10 (750 Mbit/s) makes 1 GB span 11 s.
Checksums are left zero, as NIC offload leaves them in real captures; Sniffer does not verify them.

usage: synth_mtu_capture.py OUT.pcap [--flows 14000] [--body 72000] [--concurrent 64] [--gap 1]
"""
import argparse, struct

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--flows", type=int, default=14000)
    parser.add_argument("--body", type=int, default=72000)
    parser.add_argument("--concurrent", type=int, default=64)
    parser.add_argument("--gap", type=int, default=1, help="microseconds between frames")
    args = parser.parse_args()

    out = open(args.out, "wb", buffering=1 << 22)
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    clock = [1_700_000_000_000_000]  # microseconds

    def frame(src_ip, dst_ip, sport, dport, seq, ack, flags, payload):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src_ip, dst_ip) + tcp
        eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + ip
        clock[0] += args.gap
        out.write(struct.pack("<IIII", clock[0] // 1_000_000, clock[0] % 1_000_000, len(eth), len(eth)))
        out.write(eth)

    body = (b"0123456789abcdef" * (args.body // 16 + 1))[: args.body]
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % len(body)
    response = head + body

    def flow_frames(n):
        client = struct.pack("!BBBB", 10, 1, (n >> 8) & 0xFF, n & 0xFF)
        server = bytes([10, 2, 0, 1 + n % 8])
        sport, dport = 20000 + n % 40000, 80
        c, s = 1000 + n * 7, 500000 + n * 13
        yield (client, server, sport, dport, c, 0, 0x02, b""); c += 1
        yield (server, client, dport, sport, s, c, 0x12, b""); s += 1
        yield (client, server, sport, dport, c, s, 0x10, b"")
        request = b"GET /object/%d HTTP/1.1\r\nHost: bench.example\r\nUser-Agent: synth\r\n\r\n" % n
        yield (client, server, sport, dport, c, s, 0x18, request); c += len(request)
        for i, off in enumerate(range(0, len(response), 1460)):
            chunk = response[off:off + 1460]
            yield (server, client, dport, sport, s, c, 0x18 if off + 1460 >= len(response) else 0x10, chunk); s += len(chunk)
            if i % 2 == 1:
                yield (client, server, sport, dport, c, s, 0x10, b"")
        yield (client, server, sport, dport, c, s, 0x11, b""); c += 1
        yield (server, client, dport, sport, s, c, 0x11, b""); s += 1
        yield (client, server, sport, dport, c, s, 0x10, b"")

    active, next_flow = [], 0
    while active or next_flow < args.flows:
        while len(active) < args.concurrent and next_flow < args.flows:
            active.append(flow_frames(next_flow)); next_flow += 1
        for generator in list(active):
            try:
                frame(*next(generator))
            except StopIteration:
                active.remove(generator)
    out.close()

if __name__ == "__main__":
    main()
