//! Values of a slice (read unpacked by `crawl::coords::ValueReader`) to pixels: downsample by
//! striding, scale between the 2nd and 98th percentiles, colour with viridis (missing values
//! transparent) and encode as PNG.

/// Row-major values of a 2-D slice.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    values: Vec<f64>,
    rows: usize,
    columns: usize,
    flip: bool,
}

impl Grid {
    /// A grid of `rows` × `columns` values; `flip` draws the last row at the top.
    #[must_use]
    pub fn new(values: Vec<f64>, rows: usize, columns: usize, flip: bool) -> Self {
        Self {
            values,
            rows,
            columns,
            flip,
        }
    }

    fn at(&self, row: usize, column: usize) -> f64 {
        let row = if self.flip { self.rows - 1 - row } else { row };
        self.values
            .get(row * self.columns + column)
            .copied()
            .unwrap_or(f64::NAN)
    }
}

/// The 2nd and 98th percentiles of the finite values.
fn limits(values: &[f64]) -> Option<(f64, f64)> {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    finite.sort_by(f64::total_cmp);
    let at = |q: f64| finite[((finite.len() - 1) as f64 * q).round() as usize];
    Some((at(0.02), at(0.98)))
}

/// Pixel counts that keep the aspect ratio, the longest side at most `max_side`, and at
/// least 64 pixels on the longest side (small grids are enlarged by repeating cells).
fn size(rows: usize, columns: usize, max_side: usize) -> (usize, usize) {
    let longest = rows.max(columns).max(1);
    let target = longest.clamp(64, max_side);
    let scale = target as f64 / longest as f64;
    let fit = |n: usize| ((n as f64 * scale).round() as usize).max(1);
    (fit(rows), fit(columns))
}

/// Renders `grid` as an RGBA PNG; returns the bytes, width and height.
///
/// # Errors
///
/// When the grid is empty, has no finite value, or the encoder fails.
pub fn render(grid: &Grid, max_side: usize) -> Result<(Vec<u8>, u32, u32), String> {
    if grid.rows == 0 || grid.columns == 0 || grid.values.len() < grid.rows * grid.columns {
        return Err("the slice is empty".into());
    }
    let (low, high) = limits(&grid.values).ok_or("the slice holds no valid value")?;
    let (height, width) = size(grid.rows, grid.columns, max_side);
    let mut pixels = Vec::with_capacity(width * height * 4);
    for y in 0..height {
        let row = (y * grid.rows / height).min(grid.rows - 1);
        for x in 0..width {
            let column = (x * grid.columns / width).min(grid.columns - 1);
            let value = grid.at(row, column);
            if value.is_finite() {
                let t = if high > low {
                    ((value - low) / (high - low)).clamp(0.0, 1.0)
                } else {
                    0.5
                };
                let colour = colorous::VIRIDIS.eval_continuous(t);
                pixels.extend_from_slice(&[colour.r, colour.g, colour.b, 255]);
            } else {
                pixels.extend_from_slice(&[0, 0, 0, 0]);
            }
        }
    }
    let (w, h) = (
        u32::try_from(width).map_err(|e| e.to_string())?,
        u32::try_from(height).map_err(|e| e.to_string())?,
    );
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer
            .write_image_data(&pixels)
            .map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())?;
    }
    Ok((bytes, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_keep_the_aspect_ratio() {
        assert_eq!(size(90, 180, 256), (90, 180));
        assert_eq!(size(900, 1800, 256), (128, 256));
        assert_eq!(size(2, 3, 256), (43, 64));
    }

    #[test]
    fn a_png_comes_out_with_missing_values_transparent() {
        let grid = Grid::new(vec![0.0, 1.0, f64::NAN, 3.0], 2, 2, true);
        let (png, w, h) = render(&grid, 256).expect("png");
        assert_eq!((w, h), (64, 64));
        assert_eq!(&png[1..4], b"PNG");
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().expect("info");
        let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
        reader.next_frame(&mut buffer).expect("frame");
        // Flipped: the top-left pixel is the last row's first value, which is missing.
        assert_eq!(buffer[3], 0);
        assert_eq!(buffer[(64 * 63) * 4 + 3], 255);
    }

    #[test]
    fn empty_and_all_missing_slices_fail() {
        assert!(render(&Grid::new(vec![], 0, 0, false), 256).is_err());
        assert!(render(&Grid::new(vec![f64::NAN; 4], 2, 2, false), 256).is_err());
    }
}
