"""Deaths and injuries from overpressure, burns and initial radiation, counted once per person.

Blast follows the overpressure-band rule of the Office of Technology Assessment, *The Effects of
Nuclear War* (OTA 1979, chapter II, after Glasstone & Dolan 1977), which already includes
the burns and radiation of people inside buildings in those bands:

    band         killed   injured
    > 12 psi     98 %     2 %
    5-12 psi     50 %     40 %
    2-5 psi      5 %      45 %
    1-2 psi      0 %      25 %

Flash burns hit only people with a line of sight to the fireball, mostly those outdoors. OTA (1979)
notes that third-degree burns over 24 % of the body are likely fatal without specialised
care, which a city that has just been struck cannot give. Here a fraction of the population is
exposed; exposed people receiving at least the third-degree-burn fluence die with probability
``burn_death``, the rest of them are injured; those between the second- and third-degree fluences
are injured. The atomicarchive/Glasstone New York scenario assumes 25 % of a daytime population
outdoors, our central value.

Initial radiation kills half of those receiving about 450 rem (the LD50 OTA 1979 uses,
without medical care); deaths follow a log-normal dose-response with a log-dose standard deviation
of 0.2 (so 10 % die at about 350 rem, 90 % at about 580 rem); above 200 rem survivors are injured
(radiation sickness, OTA 1979).

A person dies if any effect kills them, treating the three effects as independent given the
doses; overpressure is the worst of all detonations (the same building), fluence and dose add.

Low and high bounds apply the rules with bracketing assumptions rather than sampling: band edges
1.25x higher or 0.8x lower in overpressure (OTA's bands are approximate; the conflagration model
of Daugherty, Levi & von Hippel, in *The Medical Implications of Nuclear War*, IOM 1986, gives
about twice OTA's deaths in cities), 10 % or 50 % of people exposed to the flash, burn lethality
0.3 or 0.8, and LD50 600 rem (with medical care) or 350 rem.

More deaths mean fewer injured survivors, so the sets that bracket deaths do not bracket injuries
(with the high set, injuries can fall below the central value). Two more sets bracket injuries:
``injuries_high`` takes the wide band edges and the many exposed people of the high set but the
low set's burn lethality and LD50 (people hurt, not killed); ``injuries_low`` the reverse. Each
quantity's low and high are its extremes over all five sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

OTA_BANDS: tuple[tuple[float, float, float], ...] = (
    (12.0, 0.98, 0.02),
    (5.0, 0.50, 0.40),
    (2.0, 0.05, 0.45),
    (1.0, 0.00, 0.25),
)
"""(lower edge psi, fraction killed, fraction injured) from OTA (1979), chapter II."""


@dataclass(frozen=True)
class RuleSet:
    """One set of casualty assumptions (see module docstring for sources)."""

    psi_scale: float
    exposed: float
    burn_death: float
    ld50_rem: float
    sigma_ln_dose: float = 0.2
    injury_rem: float = 200.0


RULES = {
    "low": RuleSet(psi_scale=1.25, exposed=0.10, burn_death=0.3, ld50_rem=600.0),
    "central": RuleSet(psi_scale=1.0, exposed=0.25, burn_death=0.5, ld50_rem=450.0),
    "high": RuleSet(psi_scale=0.8, exposed=0.50, burn_death=0.8, ld50_rem=350.0),
    "injuries_low": RuleSet(psi_scale=1.25, exposed=0.10, burn_death=0.8, ld50_rem=350.0),
    "injuries_high": RuleSet(psi_scale=0.8, exposed=0.50, burn_death=0.3, ld50_rem=600.0),
}


def blast_probabilities(psi: NDArray[np.float64], rules: RuleSet) -> tuple[NDArray, NDArray]:
    """Probability of death and of injury from the OTA overpressure bands."""
    dead = np.zeros_like(psi)
    hurt = np.zeros_like(psi)
    assigned = np.zeros(psi.shape, dtype=bool)
    for edge, killed, injured in OTA_BANDS:
        in_band = (psi >= edge * rules.psi_scale) & ~assigned
        dead[in_band] = killed
        hurt[in_band] = injured
        assigned |= in_band
    return dead, hurt


def burn_probabilities(
    fluence: NDArray[np.float64], third: float, second: float, rules: RuleSet
) -> tuple[NDArray, NDArray]:
    """Probability of death and of injury from flash burns (fluence in cal/cm^2)."""
    severe = fluence >= third
    moderate = (fluence >= second) & ~severe
    dead = np.where(severe, rules.exposed * rules.burn_death, 0.0)
    hurt = np.where(severe, rules.exposed * (1.0 - rules.burn_death), 0.0)
    hurt = np.where(moderate, rules.exposed, hurt)
    return dead, hurt


def radiation_probabilities(dose_rem: NDArray[np.float64], rules: RuleSet) -> tuple[NDArray, NDArray]:
    """Probability of death (log-normal dose response) and of radiation-sickness injury."""
    with np.errstate(divide="ignore"):
        z = (np.log(np.maximum(dose_rem, 1e-9)) - np.log(rules.ld50_rem)) / rules.sigma_ln_dose
    dead = ndtr(z)
    hurt = np.where(dose_rem >= rules.injury_rem, 1.0 - dead, 0.0)
    return dead, hurt


def combine(*effects: tuple[NDArray, NDArray]) -> tuple[NDArray, NDArray]:
    """Combine (death, injury) probabilities of independent effects so each person counts once.

    Returns:
        Probability of being killed, and of being injured but alive.
    """
    survive = np.ones_like(effects[0][0])
    unhurt = np.ones_like(effects[0][0])
    for dead, hurt in effects:
        survive = survive * (1.0 - dead)
        unhurt = unhurt * np.clip(1.0 - dead - hurt, 0.0, 1.0)
    return 1.0 - survive, np.clip(survive - unhurt, 0.0, 1.0)
