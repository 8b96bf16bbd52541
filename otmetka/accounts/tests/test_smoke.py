from otmetka.test import World


def test_world_builds(world: World) -> None:
    assert world.college.student is not None
    client = world.client_for("admin")
    response = client.get("/admin/users/")
    assert response.status_code == 200
