"""Each mechanism moves the outcomes in the direction the literature says (fixed seeds, large samples)."""

import numpy as np

from tests.conftest import run_variant

RUNS = 8192


def share(tally, count):
    return count / tally.runs


def two_sample_z(p1, p2, n):
    se = np.sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / n)
    return (p1 - p2) / max(se, 1e-12)


def test_more_signal_noise_means_more_wars_from_miscalculation():
    base = run_variant("korea-2017", runs=RUNS)

    def noisy(data):
        data["channels"]["public"]["noise"] = 2.0

    noisier = run_variant("korea-2017", noisy, runs=RUNS)
    assert noisier.misreadings / noisier.readings > base.misreadings / base.readings
    z = two_sample_z(share(noisier, noisier.war_by_path[1]), share(base, base.war_by_path[1]), RUNS)
    assert z > 2.0


def test_private_channel_lowers_audience_cost_lock_in_and_war_in_1962():
    base = run_variant("cuba-1962", runs=RUNS)

    def no_private_channel(data):
        data["channels"]["direct"]["enabled"] = False
        data["actors"]["UNSG"]["active"] = False

    closed = run_variant("cuba-1962", no_private_channel, runs=RUNS)
    assert base.lock_in / base.active_path_days < 0.5 * closed.lock_in / closed.active_path_days
    assert two_sample_z(share(closed, closed.war), share(base, base.war), RUNS) > 3.0


def test_hostile_attribution_bias_raises_the_risk_of_war():
    def unbiased(data):
        data["perception"]["hostile_bias"] = 0.0

    def biased(data):
        data["perception"]["hostile_bias"] = 2.0

    low = run_variant("korea-2017", unbiased, runs=RUNS)
    high = run_variant("korea-2017", biased, runs=RUNS)
    assert two_sample_z(share(high, high.war), share(low, low.war), RUNS) > 2.0


def test_coordinated_voices_are_misread_less():
    def coordinated(data):
        data["actors"]["US"]["coordination"] = 1.0

    base = run_variant("korea-2017", runs=2048)
    one_voice = run_variant("korea-2017", coordinated, runs=2048)
    assert one_voice.misreadings / one_voice.readings < base.misreadings / base.readings


def test_a_freeze_in_force_removes_frozen_actions_except_breaches():
    def frozen(data):
        data["freeze"]["active"] = True
        data["freeze"]["breach_rate"] = 0.0

    from brinkmanship.model.ladder import ACTION_INDEX

    tally = run_variant("korea-2017", frozen, runs=2048)
    assert tally.actions[1, ACTION_INDEX["missile_test"]] == 0
    assert tally.actions[1, ACTION_INDEX["nuclear_test"]] == 0
    assert tally.actions[0, ACTION_INDEX["show_of_force"]] == 0
    assert tally.freeze_days == tally.active_path_days


def test_freeze_breaches_happen_at_the_declared_rate():
    def leaky(data):
        data["freeze"]["active"] = True
        data["freeze"]["breach_rate"] = 0.01

    tally = run_variant("korea-2017", leaky, runs=RUNS)
    rate = tally.freeze_breaches / tally.freeze_days
    assert np.all(np.abs(rate - 0.01) < 4 * np.sqrt(0.01 * 0.99 / tally.freeze_days))


def test_face_saving_exit_lowers_nuclear_use_given_war():
    base = run_variant("korea-2017", runs=RUNS)

    def exit_kept(data):
        data["face_saving_exit"] = True

    kept = run_variant("korea-2017", exit_kept, runs=RUNS)
    assert kept.nuclear_use / max(kept.war, 1) < base.nuclear_use / max(base.war, 1)


def test_sanctions_pressure_opens_talks_more_often():
    def no_pressure(data):
        data["actors"]["DPRK"]["initial"]["pressure"] = 0.0
        data["actors"]["China"]["acts"] = []
        data["actors"]["Japan"]["acts"] = []

    base = run_variant("korea-2017", runs=RUNS)
    relieved = run_variant("korea-2017", no_pressure, runs=RUNS)
    assert two_sample_z(share(base, base.settlement), share(relieved, relieved.settlement), RUNS) > 2.0


def test_false_alarms_cause_wars_only_when_they_pass_the_chain():
    def alarm_prone(data):
        data["false_alarms"]["rate_per_day"] = 0.2
        data["false_alarms"]["pass_through"] = [1.0, 1.0, 0.05]

    def alarm_proof(data):
        data["false_alarms"]["rate_per_day"] = 0.2
        data["false_alarms"]["pass_through"] = [1.0, 1.0, 0.0]

    prone = run_variant("korea-2017", alarm_prone, runs=2048)
    proof = run_variant("korea-2017", alarm_proof, runs=2048)
    assert prone.war_by_path[3] > 50
    assert proof.war_by_path[3] == 0


def test_a_direct_channel_calls_off_strikes_on_a_false_belief():
    """Pre-emption on a false belief can be checked with the other side first (verify)."""

    def jumpy(data):
        data["perception"]["imminence_threshold"] = 2.0  # everyone believes an attack is coming
        data["actors"]["DPRK"]["p_greedy"] = 1.0
        data["actors"]["US"]["p_greedy"] = 1.0

    def jumpy_with_channel(data):
        jumpy(data)
        data["channels"]["direct"]["enabled"] = True
        data["channels"]["direct"]["verify"] = 1.0

    unchecked = run_variant("korea-2017", jumpy, runs=2048)
    checked = run_variant("korea-2017", jumpy_with_channel, runs=2048)
    assert unchecked.war_by_path[1] > 20
    assert (
        checked.war_by_path[1] == 0
    )  # every miscalculation is caught: strikes checked, misreadings clarified


def test_tests_and_flights_that_can_go_astray_raise_clashes_and_a_freeze_removes_that_risk():
    def risky(data):
        data["loss_of_control"]["action_incident"] = {"missile_test": 0.05, "show_of_force": 0.05}

    def risky_frozen(data):
        risky(data)
        data["freeze"]["active"] = True
        data["freeze"]["breach_rate"] = 0.0

    def safe(data):
        data["loss_of_control"]["action_incident"] = {}

    safe_tally = run_variant("korea-2017", safe, runs=4096)
    risky_tally = run_variant("korea-2017", risky, runs=4096)
    frozen_tally = run_variant("korea-2017", risky_frozen, runs=4096)
    assert (
        two_sample_z(share(risky_tally, risky_tally.clash), share(safe_tally, safe_tally.clash), 4096) > 3.0
    )
    assert (
        two_sample_z(share(risky_tally, risky_tally.clash), share(frozen_tally, frozen_tally.clash), 4096)
        > 3.0
    )
