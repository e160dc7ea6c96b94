#!/usr/bin/env python3
"""A minimal OTLP/gRPC trace collector for tests: writes one JSON line per span
it receives to OUT (trace_id, span_id, parent_span_id, link trace ids in hex,
name, kind, service.name), answers every export with success.

    python3 scripts/otlp-sink.py PORT OUT [PARENT_PID [MAX_SECONDS]]

It prints "listening" once it accepts exports. It exits by itself when
PARENT_PID is gone or after MAX_SECONDS (default 600): a test runner that is
killed, or that hangs, never leaves a collector behind.

Needs PyPI's grpcio and opentelemetry-proto (pip install grpcio opentelemetry-proto).
"""
import json
import os
import sys
import threading
import time
from concurrent import futures

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

lock = threading.Lock()


class Sink(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, out):
        self.out = out

    def Export(self, request, context):
        lines = []
        for resource_spans in request.resource_spans:
            service = next((a.value.string_value for a in resource_spans.resource.attributes
                            if a.key == "service.name"), "")
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    lines.append(json.dumps({
                        "service": service, "name": span.name, "kind": span.kind,
                        "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(),
                        "links": [link.trace_id.hex() for link in span.links],
                    }, sort_keys=True))
        with lock, open(self.out, "a") as f:
            for line in lines:
                f.write(line + "\n")
        return trace_service_pb2.ExportTraceServiceResponse()


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    parent = int(sys.argv[3]) if len(sys.argv) > 3 else None
    deadline = time.monotonic() + (float(sys.argv[4]) if len(sys.argv) > 4 else 600)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Sink(out), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    print(f"otlp-sink listening on 127.0.0.1:{port}", flush=True)
    while time.monotonic() < deadline:
        if parent is not None and os.getppid() != parent:
            break
        time.sleep(0.2)
    server.stop(grace=None)


if __name__ == "__main__":
    main()
