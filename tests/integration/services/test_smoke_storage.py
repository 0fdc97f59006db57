from laddnet.bootstrap import Container
from laddnet.domain.ids import StationId


async def test_station_added_can_authenticate(container: Container) -> None:
    await container.stations.add_station(StationId("CP-1"), "s3cret-pass-123")
    assert await container.stations.authenticate(StationId("CP-1"), "s3cret-pass-123")
    assert not await container.stations.authenticate(StationId("CP-1"), "wrong")
