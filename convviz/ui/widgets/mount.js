// The entry point both convviz components share (st.components.v2, no iframe): one view per component key, kept
// across re-runs. Streamlit calls the entry before every re-run with new data, and the cleanup it returns before
// that, so only a real unmount (the view's box gone from the page for a second) destroys the view.
// `create(root, setStateValue, key)` builds the view; a view has .root, .box, .update(data) and .destroy().
function mountView(component, instances, selector, create) {
  const { data, parentElement, setStateValue, key } = component;
  let view = instances.get(key);
  if (!view || view.root !== parentElement || !view.box.isConnected) {
    view?.destroy();
    parentElement.querySelector?.(selector)?.remove();
    view = create(parentElement, setStateValue, key);
    instances.set(key, view);
  }
  clearTimeout(view.unmount);
  view.setStateValue = setStateValue;
  view.update(data);
  return () => {
    view.unmount = setTimeout(() => {
      if (view.box.isConnected) return;
      view.destroy();
      if (instances.get(key) === view) instances.delete(key);      // not a newer view mounted under the same key
    }, 1000);
  };
}
