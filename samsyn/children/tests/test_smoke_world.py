from samsyn.access.policy import visible_children
from samsyn.children.selectors import child_current_barnkontakt, children_without_barnkontakt


def test_world__every_child_has_barnkontakt(world):
    assert not children_without_barnkontakt().exists()
    assert child_current_barnkontakt(child=world.children["pupil"]).user == world.users["rektor"]
    assert child_current_barnkontakt(child=world.children["infant"]).user == world.users["bvc"]
    assert child_current_barnkontakt(child=world.children["youth"]).user == world.users["kaa"]


def test_world__teacher_sees_own_pupils_only(world):
    seen = set(visible_children(world.users["larare"]))
    assert seen == {world.children["pupil"], world.children["protected_pupil"]}
    nurse_seen = set(visible_children(world.users["skolskoterska"]))
    assert nurse_seen == {world.children["pupil"]}
