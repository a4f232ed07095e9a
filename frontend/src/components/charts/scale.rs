//! Where the ticks go: round steps on the value axis, evenly spaced labels on the time axis.

/// A value axis from 0: its top, its step and its ticks (0 included).
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub max: f64,
    pub step: f64,
    pub ticks: Vec<f64>,
}

impl Axis {
    /// About `target` round steps (1, 2, 2.5 or 5 times a power of ten) from 0 to at
    /// least `max`. `whole`: the values are counts, so steps are whole numbers too.
    pub fn new(max: f64, target: usize, whole: bool) -> Self {
        let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
        let raw = max / target.max(1) as f64;
        let magnitude = 10f64.powi(raw.log10().floor() as i32);
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|nice| nice * magnitude)
            .filter(|step| !whole || step.fract() == 0.0)
            .find(|step| *step >= raw)
            .unwrap_or(10.0 * magnitude);
        let step = if whole { step.max(1.0) } else { step };
        let count = (max / step - 1e-9).ceil().max(1.0) as usize;
        Axis {
            max: step * count as f64,
            step,
            ticks: (0..=count).map(|i| step * i as f64).collect(),
        }
    }

    /// Where `value` sits, in percent of the plot's height from the top.
    pub fn y(&self, value: f64) -> f64 {
        100.0 - (value / self.max * 100.0).clamp(0.0, 100.0)
    }
}

/// The indexes of `len` points that get a label on a time axis: at most `most`, evenly
/// spaced, the first one included.
pub fn label_indexes(len: usize, most: usize) -> Vec<usize> {
    if len <= most.max(1) {
        return (0..len).collect();
    }
    let every = len.div_ceil(most.max(1));
    (0..len).step_by(every).collect()
}

/// Where point `index` of `len` sits, in percent of the plot's width.
pub fn x(index: usize, len: usize) -> f64 {
    if len <= 1 {
        50.0
    } else {
        index as f64 * 100.0 / (len - 1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(Axis::new(87.0, 4, true).ticks, [0.0, 25.0, 50.0, 75.0, 100.0]);
        assert_eq!(Axis::new(100.0, 4, true).ticks, [0.0, 25.0, 50.0, 75.0, 100.0]);
        assert_eq!(Axis::new(3.0, 4, true).ticks, [0.0, 1.0, 2.0, 3.0]);
        let small = Axis::new(0.0042, 4, false);
        assert_eq!(small.ticks.len(), 4);
        assert!((small.step - 0.002).abs() < 1e-12 && (small.max - 0.006).abs() < 1e-12);
        let money = Axis::new(12.3, 4, false);
        assert_eq!((money.step, money.max), (5.0, 15.0));
    }

    #[test]
    fn counts_step_by_whole_numbers() {
        let axis = Axis::new(2.0, 4, true);
        assert_eq!(axis.step, 1.0);
        assert_eq!(axis.ticks, [0.0, 1.0, 2.0]);
        // 2.5 is no step for counts: 5 is the next round one.
        assert_eq!(Axis::new(9.0, 4, true).step, 5.0);
    }

    #[test]
    fn an_empty_axis_still_has_a_scale() {
        let axis = Axis::new(0.0, 4, true);
        assert_eq!(axis.ticks, [0.0, 1.0]);
        assert_eq!(axis.y(0.0), 100.0);
        assert_eq!(Axis::new(f64::NAN, 4, false).max, 1.0);
    }

    #[test]
    fn values_map_to_percent_from_the_top() {
        let axis = Axis::new(100.0, 4, true);
        assert_eq!(axis.y(100.0), 0.0);
        assert_eq!(axis.y(25.0), 75.0);
        assert_eq!(x(0, 24), 0.0);
        assert_eq!(x(23, 24), 100.0);
        assert_eq!(x(0, 1), 50.0);
    }

    #[test]
    fn time_labels_are_spread_evenly() {
        assert_eq!(label_indexes(4, 6), [0, 1, 2, 3]);
        assert_eq!(label_indexes(24, 6), [0, 4, 8, 12, 16, 20]);
        assert_eq!(label_indexes(25, 6), [0, 5, 10, 15, 20]);
        assert_eq!(label_indexes(0, 6), Vec::<usize>::new());
    }
}
