"""Helpers shared by the process tests."""
import os
import signal
import subprocess

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def stop(process, timeout=30):
    """Ends a still-running soukd: SIGTERM, then SIGKILL if it does not exit in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def health(port, data_folder, service=""):
    """The grpc.health.v1 status of `service` on soukd's gRPC port, over TLS trusting the data folder's CA."""
    with open(os.path.join(data_folder, "tls", "ca.pem"), "rb") as ca:
        credentials = grpc.ssl_channel_credentials(ca.read())
    with grpc.secure_channel(f"127.0.0.1:{port}", credentials) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        return stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status
