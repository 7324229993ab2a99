// onEachFeature for overlay polygons and candidate circles: `tip` and `pop` are ready,
// escaped HTML. Used by ovop_geo.render.
function (feature, layer) {
    if (feature.properties.tip) { layer.bindTooltip(feature.properties.tip, {sticky: true}); }
    if (feature.properties.pop) { layer.bindPopup(feature.properties.pop, {maxWidth: 320}); }
}
