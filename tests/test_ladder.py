"""The action catalogue and Kahn's thresholds."""

from brinkmanship.model.ladder import ACTION_INDEX, ACTIONS, THRESHOLDS


def test_rungs_are_on_kahns_ladder_and_hostility_rises_with_violence():
    assert all(1 <= action.rung <= 44 for action in ACTIONS)
    order = ["hold", "public_threat", "show_of_force", "harassment", "limited_strike", "conventional_war"]
    hostility = [ACTIONS[ACTION_INDEX[name]].hostility for name in order]
    assert hostility == sorted(hostility) and len(set(hostility)) == len(hostility)


def test_thresholds_ascend_and_separate_kahns_groups():
    rungs = [t.below_rung for t in THRESHOLDS]
    assert rungs == sorted(rungs)
    assert rungs[:3] == [3, 9, 20]  # subcrisis | traditional | intense | bizarre crises


def test_concessions_are_conciliatory_and_private_ones_need_a_private_channel():
    public = ACTIONS[ACTION_INDEX["concession_public"]]
    private = ACTIONS[ACTION_INDEX["concession_private"]]
    assert public.hostility < 0 and private.hostility < 0
    assert public.channel == "public" and private.channel == "private"
