from simulator.schemas import schema_drift
from simulator.settings import PROJECT_ROOT


def test_published_json_schemas_are_current() -> None:
    assert schema_drift(PROJECT_ROOT) == [], "run `mocksim check --write-schemas` and commit the result"
