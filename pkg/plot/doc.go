// Package plot draws the project's figures (curves, heat maps, scatter plots,
// arrow fields) with gonum/plot, writes them as SVG or PNG files headless, and
// shows them inline in a GoNB notebook.
//
// Figures are made for reading at notebook width: NotebookWidth (9 in., 864
// CSS px) by default, a sans-serif font (Style) with no text under 11 pt,
// legends outside the data (at the right of a panel, below it, or one shared
// legend for a figure), Okabe–Ito colours for series (Palette, without yellow;
// give a curve and its Monte-Carlo points the same colour, with Series.YErr
// for error bars) and viridis for heat maps (HeatMap, ColorBar, or a figure's
// ColorScale). In a notebook a figure is an <img> whose source is its SVG as
// a data URI (Figure.Display): code hosts show it in committed notebooks.
//
// Knobs. An Explorer (Explore) renders a figure for every combination of its
// parameters' values when the cell runs and lets a script in the page switch
// between them: sliders for ordered values (Values, Ints), radio buttons or a
// drop-down for categorical ones (Choices), arrow keys on the focused control.
// It never holds the kernel, so "Run All" runs through, and it keeps working
// after the cell ends, in a saved notebook and in exported HTML. Interact is
// the kernel-backed alternative for parameters that cannot be precomputed: it
// holds the kernel while it listens, shows when its program has stopped, and
// redraws in place.
package plot
