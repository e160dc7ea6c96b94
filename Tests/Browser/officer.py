"""The officer's side of the browser journey, over gRPC as a department's own
system would call identity (through server reflection: no .proto files)."""
import base64
import datetime
import json
import time
import uuid

import grpc
from google.protobuf import descriptor_pool, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase


class Service:
    """One service's RPCs by name, their messages from server reflection."""
    name = ""

    def __init__(self, address):
        self.channel = grpc.insecure_channel(address)
        pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(self.channel))
        self.service = pool.FindServiceByName(self.name)
        self.pool = pool

    def call(self, name, fields, token=None):
        method = self.service.methods_by_name[name]
        request_class = message_factory.GetMessageClass(method.input_type)
        response_class = message_factory.GetMessageClass(method.output_type)
        stub = self.channel.unary_unary(
            f"/{self.service.full_name}/{name}",
            request_serializer=request_class.SerializeToString,
            response_deserializer=response_class.FromString)
        metadata = [("authorization", f"Bearer {token}")] if token else None
        return stub(request_class(**fields), metadata=metadata, timeout=15)



class Identity(Service):
    name = "nomad.identity.v1.IdentityService"

    def login(self, username, password):
        return self.call("Login", {"username": username, "password": password}).access_token

    def certification_of(self, officer, applicant_id):
        answer = self.call("ListCertifications", {"page": {"page_size": 100}}, token=officer)
        mine = [c for c in answer.applications if c.applicant_id == applicant_id]
        assert mine, f"no certification of {applicant_id} among {len(answer.applications)}"
        return mine[0]

    def request_documents(self, officer, application_id, reason):
        deadline = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=7)
        return self.call("DecideCertification", {
            "request_id": str(uuid.uuid4()), "id": application_id, "decision": 3,
            "reason": reason, "documents_deadline": deadline}, token=officer)

    def approve(self, officer, application_id):
        return self.call("DecideCertification", {
            "request_id": str(uuid.uuid4()), "id": application_id, "decision": 1}, token=officer)

    def public_keys(self):
        return self.call("GetPublicKeys", {}).keys


class Jobs(Service):
    """An enterprise's and an officer's side of a bounty (揭榜挂帅)."""
    name = "nomad.jobs.v1.JobsService"

    def publish_open_bounty(self, enterprise, title):
        deadline = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=14)
        return self.call("PublishBounty", {"request_id": str(uuid.uuid4()), "bounty": {
            "title": title, "description": "Tide-table widgets for the fishing port.",
            "budget": {"currency_code": "CNY", "minor_units": 500000}, "deadline": deadline,
            "winner_places": 1,
            "milestones": [{"title": "Widgets released", "due": deadline + datetime.timedelta(days=30)}]}},
            token=enterprise)

    def apply(self, nomad, bounty_id):
        return self.call("SubmitBountyApplication", {
            "request_id": str(uuid.uuid4()), "bounty_id": bounty_id, "kind": 1,
            "proposal": "A widget set with offline tide tables."}, token=nomad)

    def qualify(self, officer, application_id):
        return self.call("ReviewBountyApplication", {
            "request_id": str(uuid.uuid4()), "application_id": application_id, "qualified": True}, token=officer)

    def my_applications(self, nomad):
        return self.call("ListMyBountyApplications", {}, token=nomad).applications


class Events(Service):
    """The events service, for the journey's own registration and ticket."""
    name = "nomad.events.v1.EventsService"


class Assets(Service):
    name = "nomad.assets.v1.AssetsService"

    def submit_task(self, nomad, units):
        """A labelling task (1 POW per hour at quality 100 once the data bureau accepts it)."""
        return self.call("SubmitContribution", {
            "request_id": str(uuid.uuid4()), "pool_code": "culture_tourism_consumption", "kind": 2,
            "evidence_hash": uuid.uuid4().hex + uuid.uuid4().hex, "work_units": units, "work_unit_label": "hours",
            "quality_score": 100}, token=nomad)

    def balance(self, owner, kind):
        """The balance of the owner's POW (kind 1) or points (kind 2) account."""
        accounts = self.call("GetBalances", {}, token=owner).accounts
        return sum(a.balance for a in accounts if a.kind == kind)


class Analytics(Service):
    """The KPIs the desks' scans feed."""
    name = "nomad.analytics.v1.AnalyticsService"

    def kpi_value(self, staff, code):
        kpis = self.call("ListKpis", {}, token=staff).kpis
        return next(k.value for k in kpis if k.kpi.code == code)


def verify_card_qr(payload, keys):
    """A one-card QR is an Ed25519 JWS that identity signed: check it offline
    with the published keys, as a desk's scanner would."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    def unb64(text):
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    header_b64, claims_b64, signature_b64 = payload.split(".")
    header = json.loads(unb64(header_b64))
    key = next((k for k in keys if k.key_id == header["kid"]), None)
    assert key is not None, f"no published key {header['kid']}"
    raw = key.public_key if isinstance(key.public_key, bytes) else unb64(key.public_key)
    Ed25519PublicKey.from_public_bytes(raw).verify(unb64(signature_b64), f"{header_b64}.{claims_b64}".encode())
    return json.loads(unb64(claims_b64))
