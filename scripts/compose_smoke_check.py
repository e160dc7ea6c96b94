"""Checks scripts/compose-smoke.sh makes on the running compose topology, from an
independent gRPC implementation (Python grpcio, C core) with stubs generated
from Protos/ at run time.

  compose_smoke_check.py spread JOBS_ADDR METRICS_URL...
      60 anonymous ListJobs calls through jobs-lb; every replica's own /metrics
      must count some of them (grpc_server_handled_total of nomad.jobs.v1.JobsService).
  compose_smoke_check.py claims IDENTITY_ADDR JOBS_ADDR [--jobs N] [--pace S] -- COMMAND...
      publishes N claimable jobs as a demo enterprise, has the demo nomads who may claim (NOMADS) claim
      every seat through jobs-lb (each worker pausing S seconds between calls), runs
      COMMAND (a podman kill of one replica, a database switch) in the background a
      third of the way in while the claims go on, retries every claim that got no
      answer with the same request_id, then checks that every acknowledged claim is
      there (GetOrder) and that each job's seats_taken equals the claims acknowledged
      for it.
"""
import concurrent.futures
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import grpc

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "nomad-zone-demo"  # DemoSeed.password: a demo, not a secret
# The demo nomads who may claim: demo-lea, a foreign nomad not yet certified, holds no
# work permit, and jobs refuses a foreign nomad's claim without one (DemoSeed gives the
# certified foreign nomads, demo-anna and demo-kenji, a year's permit).
NOMADS = ["demo-lin", "demo-anna", "demo-chen", "demo-kenji", "demo-wu"]
ENTERPRISE = "demo-bay-studio"


def stubs():
    """Python modules for the identity and jobs protos, generated into a temp dir."""
    from grpc_tools import protoc
    import grpc_tools

    out = tempfile.mkdtemp(prefix="nomad-smoke-stubs-")
    include = str(Path(grpc_tools.__file__).parent / "_proto")
    files = ["nomad/common/v1/common.proto", "nomad/identity/v1/identity.proto", "nomad/jobs/v1/jobs.proto"]
    code = protoc.main(["protoc", f"-I{ROOT / 'Protos'}", f"-I{include}", f"--python_out={out}",
                        f"--grpc_python_out={out}"] + files)
    assert code == 0, "protoc failed"
    sys.path.insert(0, out)
    from nomad.common.v1 import common_pb2
    from nomad.identity.v1 import identity_pb2, identity_pb2_grpc
    from nomad.jobs.v1 import jobs_pb2, jobs_pb2_grpc
    return common_pb2, identity_pb2, identity_pb2_grpc, jobs_pb2, jobs_pb2_grpc


def jobs_calls(metrics_url):
    with urllib.request.urlopen(metrics_url, timeout=5) as response:
        text = response.read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith("grpc_server_handled_total{") and 'service="nomad.jobs.v1.JobsService"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def spread(jobs_address, metrics_urls):
    before = [jobs_calls(url) for url in metrics_urls]
    channel = grpc.insecure_channel(jobs_address)
    list_jobs = channel.unary_unary("/nomad.jobs.v1.JobsService/ListJobs")  # bytes in, bytes out
    codes = {}
    for _ in range(60):
        try:
            list_jobs(b"", timeout=10)
            codes["OK"] = codes.get("OK", 0) + 1
        except grpc.RpcError as error:
            codes[error.code().name] = codes.get(error.code().name, 0) + 1
    after = [jobs_calls(url) for url in metrics_urls]
    deltas = [int(a - b) for a, b in zip(after, before)]
    print(f"spread: 60 ListJobs calls on one connection through {jobs_address}: {codes}; "
          f"counted by the replicas' own /metrics: {deltas}")
    assert codes.get("OK") == 60, codes
    assert sum(deltas) >= 60 and all(d > 0 for d in deltas), f"not spread over every replica: {deltas}"


def claims(identity_address, jobs_address, kill_command, jobs=30, pace=0.0):
    common_pb2, identity_pb2, identity_pb2_grpc, jobs_pb2, jobs_pb2_grpc = stubs()
    from google.protobuf.timestamp_pb2 import Timestamp

    identity = identity_pb2_grpc.IdentityServiceStub(grpc.insecure_channel(identity_address))

    def token(username):
        pair = identity.Login(identity_pb2.LoginRequest(username=username, password=PASSWORD), timeout=15)
        return [("authorization", f"Bearer {pair.access_token}")]

    enterprise = token(ENTERPRISE)
    nomads = {name: token(name) for name in NOMADS}
    # One channel per nomad, as separate clients would have; all through jobs-lb.
    channels = {name: jobs_pb2_grpc.JobsServiceStub(grpc.insecure_channel(jobs_address)) for name in NOMADS}
    publisher = jobs_pb2_grpc.JobsServiceStub(grpc.insecure_channel(jobs_address))
    deadline = Timestamp()
    deadline.FromSeconds(int(time.time()) + 30 * 86400)
    job_ids = []
    for index in range(jobs):
        job = publisher.PublishJob(jobs_pb2.PublishJobRequest(request_id=str(uuid.uuid4()), job=jobs_pb2.Job(
            title=f"Compose smoke job {index}", description="Claimed by the compose smoke test.",
            required_skills=[jobs_pb2.RequiredSkill(skill_code="software.web", min_level=2, weight=5, essential=True)],
            budget=common_pb2.Money(currency_code="CNY", minor_units=100000),
            mode=jobs_pb2.JOB_MODE_REMOTE_ORDER, seats=len(NOMADS), claimable=True, deadline=deadline)),
            metadata=enterprise, timeout=15)
        job_ids.append(job.job_id)

    attempts = [(name, job_id, str(uuid.uuid4())) for job_id in job_ids for name in NOMADS]
    acknowledged = {}  # (name, job) -> order id
    failures = {}
    lock = threading.Lock()
    killed = threading.Event()
    done = [0]
    disruption = {}

    def disrupt():
        begun = time.monotonic()
        result = subprocess.run(kill_command, capture_output=True, text=True)
        disruption["result"] = result
        print(f"claims: {done[0]} of {len(attempts)} answered when `{' '.join(kill_command)}` began; "
              f"it took {time.monotonic() - begun:.1f}s, exit {result.returncode}", flush=True)
        if result.returncode != 0:
            print(result.stdout + result.stderr, flush=True)

    def claim(attempt):
        name, job_id, request_id = attempt
        if pace:
            time.sleep(pace)
        try:
            order = channels[name].ClaimJob(jobs_pb2.ClaimJobRequest(request_id=request_id, job_id=job_id),
                                            metadata=nomads[name], timeout=10)
            with lock:
                acknowledged[(name, job_id)] = order.order_id
        except grpc.RpcError as error:
            with lock:
                failures[(name, job_id)] = error.code().name
        with lock:
            done[0] += 1
            if done[0] == len(attempts) // 3 and not killed.is_set():
                killed.set()
                disruptor.start()

    disruptor = threading.Thread(target=disrupt)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(claim, attempts))
    disruptor.join()
    assert disruption["result"].returncode == 0, "the disruption command failed"
    first = dict(failures)
    print(f"claims: {len(acknowledged)} acknowledged, {len(first)} without an answer during the disruption "
          f"({sorted(set(first.values()))}), in {time.monotonic() - started:.1f}s")
    assert killed.is_set(), "the disruption never ran"
    # A client retries what got no answer, with the same request_id (ClaimJob is idempotent by it).
    by_attempt = {(n, j): r for n, j, r in attempts}
    # Retries for up to 90 s.
    retry_start = time.monotonic()
    while failures and time.monotonic() < retry_start + 90:
        for key in list(failures):
            try:
                order = channels[key[0]].ClaimJob(jobs_pb2.ClaimJobRequest(request_id=by_attempt[key], job_id=key[1]),
                                                  metadata=nomads[key[0]], timeout=5)
                acknowledged[key] = order.order_id
                failures.pop(key)
            except grpc.RpcError as error:
                failures[key] = error.code().name
        if failures:
            time.sleep(1)
    assert not failures, f"claims still failing after retries: {failures}"
    if first:
        print(f"claims: the {len(first)} unanswered claims succeeded on retry after "
              f"{time.monotonic() - retry_start:.1f}s", flush=True)

    def read(call, request, metadata):
        """A read through jobs-lb, retried while a replica is going away (UNAVAILABLE):
        a read that fails is not a lost claim; NOT_FOUND is."""
        for attempt in range(10):
            try:
                return call(request, metadata=metadata, timeout=10)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAVAILABLE or attempt == 9:
                    raise
                time.sleep(1)

    # Every acknowledged claim is there, and nothing else took a seat.
    missing = []
    for (name, job_id), order_id in acknowledged.items():
        try:
            order = read(channels[name].GetOrder, jobs_pb2.GetOrderRequest(order_id=order_id), nomads[name])
            if order.job_id != job_id:
                missing.append((name, job_id, order_id, "another job"))
        except grpc.RpcError as error:
            missing.append((name, job_id, order_id, error.code().name))
    assert not missing, f"acknowledged claims lost: {missing}"
    wrong = []
    for job_id in job_ids:
        job = read(publisher.GetJob, jobs_pb2.GetJobRequest(job_id=job_id), enterprise)
        expected = sum(1 for (_, j) in acknowledged if j == job_id)
        if job.seats_taken != expected:
            wrong.append((job_id, job.seats_taken, expected))
    assert not wrong, f"seats_taken differs from the acknowledged claims: {wrong}"
    print(f"claims: all {len(acknowledged)} acknowledged claims present afterwards (GetOrder), "
          f"{len(first)} retried with their request_id, every job's seats_taken = its acknowledged claims")


def main():
    command = sys.argv[1]
    if command == "spread":
        spread(sys.argv[2], sys.argv[3:])
    elif command == "claims":
        import argparse
        parser = argparse.ArgumentParser(prog="compose_smoke_check.py claims")
        parser.add_argument("identity")
        parser.add_argument("jobs_address")
        parser.add_argument("--jobs", type=int, default=30)
        parser.add_argument("--pace", type=float, default=0.0)
        parser.add_argument("command", nargs="+")
        args = parser.parse_args(sys.argv[2:])
        claims(args.identity, args.jobs_address, args.command, jobs=args.jobs, pace=args.pace)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
