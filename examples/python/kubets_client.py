"""A kubets client in Python, with stubs compiled from proto/ alone:

    python3 -m grpc_tools.protoc -I proto --python_out=gen --grpc_python_out=gen $(find proto -name '*.proto')
    PYTHONPATH=gen KUBETS_SERVER=127.0.0.1:6443 KUBETS_CA=ca.crt KUBETS_TOKEN=... python3 examples/python/kubets_client.py

It creates a ConfigMap, reads it back by kind, lists in pages and reads a failure's Kubernetes
Status from the standard rich error (grpc-status-details-bin).
"""
import os

import grpc
from google.rpc import status_pb2

from kubets.v1 import api_pb2, api_pb2_grpc, core_pb2, meta_pb2


def main() -> None:
    with open(os.environ["KUBETS_CA"], "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    auth = [("authorization", "Bearer " + os.environ["KUBETS_TOKEN"])]
    namespace = os.environ.get("KUBETS_NAMESPACE", "default")

    with grpc.secure_channel(os.environ["KUBETS_SERVER"], credentials) as channel:
        resources = api_pb2_grpc.ResourcesStub(channel)

        # No resource named: the object's envelope field says it is a ConfigMap.
        config_map = core_pb2.ConfigMap(metadata=meta_pb2.ObjectMeta(name="from-python"), data={"greeting": "hello"})
        created = resources.Create(api_pb2.CreateRequest(namespace=namespace, object=api_pb2.Object(configMap=config_map)), metadata=auth)
        print("created", created.configMap.apiVersion, created.configMap.kind, created.configMap.metadata.name)

        # The kind works where the plural resource name is expected.
        got = resources.Get(api_pb2.GetRequest(resource="ConfigMap", namespace=namespace, name="from-python"), metadata=auth)
        print("got", got.configMap.kind, got.configMap.data["greeting"])

        # Pages: the next page's token is the previous page's metadata.continue.
        names, token = [], ""
        while True:
            page = resources.List(api_pb2.ListRequest(resource="configmaps", namespace=namespace, limit=1, continueToken=token), metadata=auth)
            names += [item.configMap.metadata.name for item in page.items]
            token = getattr(page.metadata, "continue")  # `continue` is a keyword in Python
            if not token:
                break
        print("listed", ",".join(names))

        # A failure carries a google.rpc.Status whose detail is the Kubernetes Status.
        try:
            resources.Get(api_pb2.GetRequest(resource="pods", namespace=namespace, name="nobody"), metadata=auth)
        except grpc.RpcError as err:
            details = dict(err.trailing_metadata()).get("grpc-status-details-bin")
            rich = status_pb2.Status.FromString(details)
            status = api_pb2.Status()
            rich.details[0].Unpack(status)
            print("failed", err.code().name, status.reason, status.code, status.message)


if __name__ == "__main__":
    main()
