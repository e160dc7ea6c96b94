"""A generic gRPC client with no .proto files, as grpcurl or Postman work:
it lists each service through server reflection, fetches the descriptors,
builds the messages at run time and calls identity's Login and GetAccount.

    python3 scripts/reflection_check.py ADMIN_PASSWORD IDENTITY_ADDRESS OTHER_ADDRESS...
"""
import sys

import grpc
from google.protobuf import descriptor_pool, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

password, identity_address, *others = sys.argv[1:]

for address in [identity_address, *others]:
    channel = grpc.insecure_channel(address)
    database = ProtoReflectionDescriptorDatabase(channel)
    services = [name for name in database.get_services() if name.startswith("nomad.")]
    assert len(services) == 1, (address, services)
    pool = descriptor_pool.DescriptorPool(database)
    service = pool.FindServiceByName(services[0])
    print(f"{address}: {service.full_name}, {len(service.methods)} methods, e.g. {service.methods[0].name}")

# Call through descriptors alone.
channel = grpc.insecure_channel(identity_address)
pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(channel))
service = pool.FindServiceByName("nomad.identity.v1.IdentityService")


def call(method_name, fields, token=None):
    method = service.methods_by_name[method_name]
    request_class = message_factory.GetMessageClass(method.input_type)
    response_class = message_factory.GetMessageClass(method.output_type)
    stub = channel.unary_unary(
        f"/{service.full_name}/{method.name}",
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString)
    metadata = [("authorization", f"Bearer {token}")] if token else None
    return stub(request_class(**fields), metadata=metadata, timeout=10)


tokens = call("Login", {"username": "admin", "password": password})
account = call("GetAccount", {}, token=tokens.access_token)
assert account.username == "admin", account
print(f"Login and GetAccount through reflection only: {account.username}, role {account.role}")
print("reflection: ok")
