// Package plot draws the project's figures (curves, heat maps, scatter plots,
// image grids) with gonum/plot, writes them as SVG or PNG files headless, and
// shows them inline in a GoNB notebook through gonbui. Heat maps use viridis
// and curves the Okabe–Ito palette, both colour-blind safe.
package plot
