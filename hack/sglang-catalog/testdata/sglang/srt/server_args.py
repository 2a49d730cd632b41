# A stand-in for SGLang's ServerArgs: one flag of each kind dump.py handles.
import argparse


class DeprecatedAction(argparse.Action):
    def __init__(self, option_strings, dest, nargs=0, **kwargs):
        super().__init__(option_strings, dest, nargs=nargs, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        raise ValueError(self.help)


class ServerArgs:
    @staticmethod
    def add_cli_args(parser):
        parser.add_argument("--model-path", "--model", type=str, required=True)
        parser.add_argument("--tensor-parallel-size", "--tp-size", type=int, default=1, dest="tp_size")
        parser.add_argument("--load-format", type=str, default="auto", choices=["auto", "pt", "safetensors"])
        parser.add_argument("--enable-metrics", action="store_true")
        parser.add_argument("--lora-strict-loading", action=argparse.BooleanOptionalAction, default=True)
        parser.add_argument("--bucket-e2e-request-latency", type=float, nargs="+")
        parser.add_argument("--weight-loader-drop-cache-after-load", nargs="?", const="shard", choices=["shard", "model"])
        parser.add_argument("--collect-tokens-histogram", action=DeprecatedAction, help="Deprecated: histograms are always on.")
