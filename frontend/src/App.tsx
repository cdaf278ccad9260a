// App is the window's shell: a header and, until the dashboard exists, an empty state.
export default function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Flowbench</h1>
      </header>
      <main className="app-main">
        <section className="empty-state" aria-label="Workflows">
          <p className="empty-title">No workflows yet</p>
          <p className="empty-hint">Import a workflow file or start from an example.</p>
        </section>
      </main>
    </div>
  );
}
