"""Each mechanism moves the model's outcomes in the direction the literature gives it, with the other
channels held fixed (fixed seeds, paired or large samples). Each test names its mechanism and fails if
the mechanism is reversed or removed (docs/model.md, last table)."""

import numpy as np

from brinkmanship.engine.ensemble import burned_in, run_chunk, simulate
from brinkmanship.engine.state import ACCIDENT, DELIBERATE, MISCALCULATION
from brinkmanship.model import beliefs
from brinkmanship.model.ladder import ACTION_INDEX
from brinkmanship.policies import apply_policy
from brinkmanship.policies.compose import Catalogue
from brinkmanship.scenario import compile_scenario, load_scenario
from tests.conftest import run_variant, variant

RUNS = 8192


def share(tally, count):
    return count / tally.runs


def two_sample_z(p1, p2, n1, n2=None):
    n2 = n1 if n2 is None else n2
    se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return (p1 - p2) / max(se, 1e-12)


def war_within(model, runs, days, seed, forced=None):
    """Per-path indicator of war within ``days`` (paths in path order, for paired comparisons)."""
    result = run_chunk(model, seed, runs, days, 0, -(-runs // 1024), forced, keep_paths=True)
    war_day = result.paths.war_day
    return (war_day >= 0) & (war_day < days)


def paired_z(a, b):
    """z of the mean paired difference a - b (booleans per path)."""
    d = a.astype(float) - b.astype(float)
    return d.mean() / max(d.std(ddof=1) / np.sqrt(len(d)), 1e-12)


def test_a_nuclear_test_raises_the_risk_of_war_within_90_days(korea):
    """A North Korean nuclear test imposed on day 0, against holding that day, on the same paths."""
    nuclear, hold = ACTION_INDEX["nuclear_test"], ACTION_INDEX["hold"]
    tested = war_within(korea, RUNS, 90, 5, {0: np.array([-1, nuclear])})
    held = war_within(korea, RUNS, 90, 5, {0: np.array([-1, hold])})
    assert tested.mean() > held.mean()
    assert paired_z(tested, held) > 3.0


def test_preventive_motive_grows_with_capability():
    """The US strikes more often (the 'bloody nose') the more North Korea has demonstrated."""

    def capable(level):
        def mutate(data):
            data["actors"]["DPRK"]["capability"] = {"reach": level, "warhead": level}

        return mutate

    def without_prevention(level):
        def mutate(data):
            capable(level)(data)
            data["decision"]["preventive"] = 0.0

        return mutate

    strike = ACTION_INDEX["limited_strike"]
    low = run_variant("korea-2017", capable(0.1), runs=4096, days=120)
    high = run_variant("korea-2017", capable(0.9), runs=4096, days=120)
    rate_low = low.actions[0, strike] / low.active_path_days
    rate_high = high.actions[0, strike] / high.active_path_days
    assert rate_high > 1.5 * rate_low
    off_low = run_variant("korea-2017", without_prevention(0.1), runs=4096, days=120)
    off_high = run_variant("korea-2017", without_prevention(0.9), runs=4096, days=120)
    off_ratio = (off_high.actions[0, strike] / off_high.active_path_days) / max(
        off_low.actions[0, strike] / off_low.active_path_days, 1e-12
    )
    assert off_ratio < rate_high / rate_low


def test_beliefs_learn_the_true_type_by_bayes_rule(korea):
    """After 90 days the US belief that North Korea is greedy is clearly higher where it is."""
    result = run_chunk(korea, 3, 4096, 90, 0, 4, keep_state=True)
    state = result.final_state
    belief = beliefs.greed(state.posterior)[:, 0]  # the US's belief about the DPRK
    greedy = state.greedy[:, 1] == 1.0
    assert belief[greedy].mean() > belief[~greedy].mean() + 0.1
    # and resolve is learnt too: the belief in a resolute DPRK is higher where it is
    resolute = state.resolve[:, 1] > korea.resolve_median[1]
    resolve_belief = beliefs.resolve(state.posterior)[:, 0]
    assert resolve_belief[resolute].mean() > resolve_belief[~resolute].mean()


def _clear_sighted(data):
    """No bias, no noise, no voice offsets: every reading is the truth."""
    data["perception"]["hostile_bias"] = 0.0
    data["channels"]["public"]["noise"] = 0.0
    data["channels"]["direct"]["noise"] = 0.0
    for actor in data["actors"].values():
        for voice in actor.get("voices", []):
            voice["hawkishness"] = 0.0
        if actor.get("channel"):
            actor["channel"]["noise"] = 0.0


def test_no_bias_no_noise_no_miscalculation():
    tally = run_variant("korea-2017", _clear_sighted, runs=4096)
    assert tally.war > 50
    assert tally.war_by_path[MISCALCULATION] == 0
    assert tally.misreadings == 0


def test_more_bias_more_miscalculation():
    def biased(level):
        def mutate(data):
            data["perception"]["hostile_bias"] = level

        return mutate

    low = run_variant("korea-2017", biased(0.0), runs=RUNS)
    high = run_variant("korea-2017", biased(2.5), runs=RUNS)
    assert high.misreadings / high.readings > low.misreadings / low.readings
    z = two_sample_z(
        share(high, high.war_by_path[MISCALCULATION]), share(low, low.war_by_path[MISCALCULATION]), RUNS
    )
    assert z > 3.0


def test_hostile_attribution_bias_raises_the_risk_of_war():
    def unbiased(data):
        data["perception"]["hostile_bias"] = 0.0

    def biased(data):
        data["perception"]["hostile_bias"] = 2.5

    low = run_variant("korea-2017", unbiased, runs=RUNS)
    high = run_variant("korea-2017", biased, runs=RUNS)
    assert two_sample_z(share(high, high.war), share(low, low.war), RUNS) > 2.0


def test_calm_has_far_less_war_than_2017():
    calm = run_variant("korea-calm", runs=4096)
    crisis = run_variant("korea-2017", runs=4096)
    assert share(crisis, crisis.war) > 3 * share(calm, calm.war)
    assert crisis.tension / crisis.active_path_days > 1.5 * calm.tension / calm.active_path_days


def test_losing_without_an_exit_raises_nuclear_use():
    """Kennedy's maxim: every path starts a war on day 0; nuclear use is likelier where the weaker side
    is losing with no exit, and equal strengths or an exit lower it."""
    war = ACTION_INDEX["conventional_war"]
    forced = {0: np.array([-1, war])}

    def nuclear_share(mutate):
        model = variant("korea-2017", mutate)
        tally = simulate(model, 4096, 120, 7, forced=forced)
        assert tally.war == tally.runs
        return share(tally, tally.nuclear_use)

    def equal(data):
        data["actors"]["DPRK"]["military_strength"] = data["actors"]["US"]["military_strength"]

    def exit_kept(data):
        data["face_saving_exit"] = True

    lopsided = nuclear_share(None)
    assert lopsided > nuclear_share(equal) + 0.05
    assert lopsided > nuclear_share(exit_kept) + 0.05


def test_tension_lowers_the_chance_of_agreement():
    def damped(level):
        def mutate(data):
            data["agreement"]["tension_damping"] = level
            data["agreement"]["talks_open"] = True

        return mutate

    low = run_variant("korea-2017", damped(0.0), runs=4096, days=120)
    high = run_variant("korea-2017", damped(1.0), runs=4096, days=120)
    assert two_sample_z(share(low, low.agreement), share(high, high.agreement), 4096) > 5.0


def test_sanctions_raise_pressure(korea):
    def more_sanctions(data):
        for act in data["actors"]["China"]["acts"]:
            if act["kind"] == "sanctions":
                act["rate"] = 0.2

    base = run_chunk(korea, 3, 2048, 60, 0, 2, keep_state=True).final_state
    squeezed = run_chunk(
        variant("korea-2017", more_sanctions), 3, 2048, 60, 0, 2, keep_state=True
    ).final_state
    assert squeezed.pressure[:, 1].mean() > base.pressure[:, 1].mean() + 0.5


def test_direct_channel_cuts_miscalculation_wars():
    base_file = load_scenario("korea-2017")
    applied = apply_policy(base_file, Catalogue.builtin().parse("direct-channel"))
    base = simulate(compile_scenario(base_file), RUNS, 365, 11)
    channel = simulate(compile_scenario(applied, prelude_world=base_file), RUNS, 365, 11)
    assert channel.war_by_path[MISCALCULATION] < 0.7 * base.war_by_path[MISCALCULATION]
    assert channel.misreadings < base.misreadings


def test_private_channel_lowers_audience_cost_lock_in_and_war_in_1962():
    base = run_variant("cuba-1962", runs=RUNS)

    def no_private_channel(data):
        data["channels"]["direct"]["enabled"] = False
        data["actors"]["UNSG"]["active"] = False

    closed = run_variant("cuba-1962", no_private_channel, runs=RUNS)
    assert base.lock_in / base.active_path_days < 0.5 * closed.lock_in / closed.active_path_days


def test_coordinated_voices_are_misread_less():
    def coordinated(data):
        data["actors"]["US"]["coordination"] = 1.0

    base = run_variant("korea-2017", runs=2048, days=120)
    one_voice = run_variant("korea-2017", coordinated, runs=2048, days=120)
    assert one_voice.misreadings / one_voice.readings < base.misreadings / base.readings


def test_a_freeze_in_force_removes_frozen_actions_except_breaches():
    def frozen(data):
        data["freeze"]["active"] = True
        data["freeze"]["breach_rate"] = 0.0
        data["agreement"]["breakdown_rate"] = 0.0  # an agreement's breakdown would lift the freeze

    tally = run_variant("korea-2017", frozen, runs=2048, days=120)
    assert tally.actions[1, ACTION_INDEX["missile_test"]] == 0
    assert tally.actions[1, ACTION_INDEX["nuclear_test"]] == 0
    assert tally.actions[0, ACTION_INDEX["show_of_force"]] == 0
    assert tally.freeze_days == tally.active_path_days


def test_freeze_breaches_happen_at_the_declared_rate():
    def leaky(data):
        data["freeze"]["active"] = True
        data["freeze"]["breach_rate"] = 0.01

    tally = run_variant("korea-2017", leaky, runs=RUNS, days=120)
    rate = tally.freeze_breaches / tally.freeze_days
    assert np.all(np.abs(rate - 0.01) < 4 * np.sqrt(0.01 * 0.99 / tally.freeze_days))


def test_false_alarms_cause_wars_only_when_they_pass_the_chain():
    def alarm_prone(data):
        data["false_alarms"]["rate_per_day"] = 0.2
        data["false_alarms"]["pass_through"] = [1.0, 1.0, 0.05]

    def alarm_proof(data):
        data["false_alarms"]["rate_per_day"] = 0.2
        data["false_alarms"]["pass_through"] = [1.0, 1.0, 0.0]

    prone = run_variant("korea-2017", alarm_prone, runs=2048, days=120)
    proof = run_variant("korea-2017", alarm_proof, runs=2048, days=120)
    assert prone.war_by_path[3] > 50
    assert proof.war_by_path[3] == 0


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
    risky_share = share(risky_tally, risky_tally.clash_events[0])
    assert two_sample_z(risky_share, share(safe_tally, safe_tally.clash_events[0]), 4096) > 3.0
    assert two_sample_z(risky_share, share(frozen_tally, frozen_tally.clash_events[0]), 4096) > 3.0


def test_wars_are_labelled_by_what_happened_on_the_path():
    """Accidents come from incidents, deliberate wars from choices made without a misreading."""
    tally = run_variant("korea-2017", runs=4096)
    assert tally.war_by_path[ACCIDENT] > 0 and tally.war_by_path[DELIBERATE] > 0
    assert tally.war_triggers.sum() == tally.war


def test_a_higher_incident_hazard_raises_accidental_war(korea):
    """loss_of_control.base three times higher (the top of its declared range), same paths: more wars
    that began with an incident nobody chose (Sagan 1993; Schelling's threat that leaves something to
    chance)."""

    def riskier(data):
        data["loss_of_control"]["base"] = 3 * data["loss_of_control"]["base"]

    base = simulate(korea, RUNS, 365, 21)
    risky = run_variant("korea-2017", riskier, runs=RUNS, seed=21, days=365)
    p0, p1 = share(base, base.war_by_path[ACCIDENT]), share(risky, risky.war_by_path[ACCIDENT])
    assert p1 > p0 and two_sample_z(p1, p0, RUNS) > 3.0
    assert risky.war > base.war


def test_a_freeze_proposal_the_other_side_refuses_puts_no_freeze_in_force():
    """The United States proposes a freeze on day 0 and again on day 10; North Korea is held to its
    other moves for the month (it never proposes one): no freeze comes into force. When North Korea
    answers on day 5, one does (within the talks window). The other road to a freeze, an agreement
    reached in talks (section 7), is closed here."""

    def no_agreement(data):
        data["agreement"]["base_rate"] = 0.0

    korea = variant("korea-2017", no_agreement)
    propose, hold = ACTION_INDEX["propose_freeze"], ACTION_INDEX["hold"]
    refused = {day: np.array([propose if day in (0, 10) else -1, hold]) for day in range(30)}
    answered = dict(refused)
    answered[5] = np.array([-1, propose])
    start = burned_in(korea, 9, np.arange(1024))
    start.last_freeze_day[:] = -10_000  # nobody's earlier proposal is still on the table
    start.freeze_on[:] = False
    none = run_chunk(korea, 9, 1024, 30, 0, 1, refused, start=start)
    some = run_chunk(korea, 9, 1024, 30, 0, 1, answered, start=start)
    assert none.tally.freeze_days == 0
    assert some.tally.freeze_days > 0
