"""Root pytest configuration: doctests and tests share one build in a temporary folder."""

import os
import tempfile

collect_ignore = ["graph_builder/__main__.py"]

os.environ.setdefault("SCO_KG_BUILD_DIR", tempfile.mkdtemp(prefix="sco-kg-test-build-"))
