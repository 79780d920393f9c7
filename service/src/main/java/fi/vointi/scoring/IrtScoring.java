package fi.vointi.scoring;

import fi.vointi.cat.ItemBank;
import fi.vointi.cat.NormalPrior;
import fi.vointi.cat.QuadratureGrid;
import fi.vointi.cat.ScoreScale;

import java.util.Objects;

/**
 * What an irt-sum score needs from its item bank: the calibrated items of the score (ids = linkIds),
 * and the quadrature grid, prior and reporting scale of the bank's cat-design.
 */
public record IrtScoring(ItemBank items, QuadratureGrid grid, NormalPrior prior, ScoreScale scale) {

    public IrtScoring {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(prior, "prior");
        Objects.requireNonNull(scale, "scale");
    }
}
