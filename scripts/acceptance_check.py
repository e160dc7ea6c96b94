"""The issue's run acceptance, asked by an independent gRPC implementation
(Python grpcio, C core) rather than our own Swift client.

usage: acceptance_check.py HOST:PORT ADMIN_PASSWORD METRICS_URL [JOBS_HOST:PORT ...]
"""
import sys
import urllib.request

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

address, admin_password, metrics_url = sys.argv[1:4]
jobs_addresses = sys.argv[4:]
channel = grpc.insecure_channel(address)
grpc.channel_ready_future(channel).result(timeout=10)

health = health_pb2_grpc.HealthStub(channel)
for name in ["", "nomad.identity.v1.IdentityService"]:
    status = health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5).status
    assert status == health_pb2.HealthCheckResponse.SERVING, (name, status)
    print(f"health {name or '(server)'}: SERVING")


def string_field(number, text):
    data = text.encode()
    assert len(data) < 128
    return bytes([number << 3 | 2, len(data)]) + data


def first_string_field(message):
    # TokenPair.access_token is field 1, length-delimited; its length is a varint.
    assert message[0] == (1 << 3 | 2)
    length, shift, index = 0, 0, 1
    while True:
        byte = message[index]
        length |= (byte & 0x7F) << shift
        index += 1
        shift += 7
        if byte < 0x80:
            break
    return message[index:index + length].decode()


def method(name):
    return channel.unary_unary(f"/nomad.identity.v1.IdentityService/{name}")


# A few calls: open, authenticated, refused.
for _ in range(3):
    method("ListCatalogue")(b"", timeout=5)
tokens = method("Login")(string_field(1, "admin") + string_field(2, admin_password), timeout=10)
access_token = first_string_field(tokens)
account = method("GetAccount")(b"", metadata=[("authorization", f"Bearer {access_token}")], timeout=5)
assert b"admin" in account
try:
    method("GetAccount")(b"", metadata=[("accept-language", "zh-CN")], timeout=5)
    raise AssertionError("GetAccount without a token succeeded")
except grpc.RpcError as error:
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED, error.code()
    print(f"GetAccount without token: UNAUTHENTICATED, message {error.details()!r}")

metrics = urllib.request.urlopen(metrics_url, timeout=5).read().decode()
wanted = [
    ('grpc_server_handled_total', 'method="ListCatalogue"', 'code="ok"'),
    ('grpc_server_handled_total', 'method="Login"', 'code="ok"'),
    ('grpc_server_handled_total', 'method="GetAccount"', 'code="ok"'),
    ('grpc_server_errors_total', 'method="GetAccount"', 'code="unauthenticated"'),
    ('grpc_server_handling_seconds_bucket', 'method="ListCatalogue"', 'le='),
]
for parts in wanted:
    lines = [line for line in metrics.splitlines() if all(part in line for part in parts)]
    assert lines, f"no metric line with {parts}"
    print(lines[0])
# Each jobs replica accepts the token identity issued (verified offline with
# identity's public key) and serves the seeded skills library.
for jobs_address in jobs_addresses:
    jobs = grpc.insecure_channel(jobs_address)
    grpc.channel_ready_future(jobs).result(timeout=10)
    status = health_pb2_grpc.HealthStub(jobs).Check(
        health_pb2.HealthCheckRequest(service="nomad.jobs.v1.JobsService"), timeout=5).status
    assert status == health_pb2.HealthCheckResponse.SERVING, (jobs_address, status)
    list_skills = jobs.unary_unary("/nomad.jobs.v1.JobsService/ListSkills")
    skills = list_skills(b"", metadata=[("authorization", f"Bearer {access_token}")], timeout=5)
    assert b"software" in skills, skills[:80]
    try:
        list_skills(b"", timeout=5)
        raise AssertionError("ListSkills without a token succeeded")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED, error.code()
    print(f"jobs {jobs_address}: SERVING, ListSkills with identity's token ok, without a token UNAUTHENTICATED")
print("acceptance: ok")
