// What the app asks of a view (the panel or the side bar): an element, and a render from the model.

export interface DashboardView {
  readonly element: HTMLElement;
  /** Brings the view up to date with the model; returns true when part of it is left for the next frame. */
  render(): boolean;
}
