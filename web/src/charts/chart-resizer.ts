// Keeps a uPlot chart as wide as its container, so charts follow the page layout.
import type uPlot from 'uplot';

export function fitChartToContainer(chart: uPlot, container: HTMLElement, heightPx: number): () => void {
  const observer = new ResizeObserver(() => {
    const widthPx = Math.floor(container.clientWidth);
    if (widthPx > 0 && (widthPx !== chart.width || heightPx !== chart.height)) chart.setSize({ width: widthPx, height: heightPx });
  });
  observer.observe(container);
  return () => observer.disconnect();
}
