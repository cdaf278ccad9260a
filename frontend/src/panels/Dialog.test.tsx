import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { ConfirmDialog, Dialog } from "./Dialog";

const noop = () => undefined;

describe("Dialog", () => {
  it("ends in Cancel and the button that names the action when given confirm", () => {
    const html = renderToStaticMarkup(
      <Dialog title="Save" onClose={noop} confirm={{ label: "Save version", onConfirm: noop, disabled: true, testId: "save" }}>
        body
      </Dialog>,
    );
    const foot = html.slice(html.indexOf('class="dialog-foot"'));
    expect(foot).toMatch(/<button type="button" class="button">Cancel<\/button><button type="button" class="button button-primary" disabled="" data-testid="save">Save version<\/button>/);
  });

  it("submits a form of its body, and draws a destructive action as danger", () => {
    const form = renderToStaticMarkup(
      <Dialog title="Run" onClose={noop} confirm={{ label: "Run", form: "run-form", cancel: "Not now" }}>
        <form id="run-form" />
      </Dialog>,
    );
    expect(form).toContain('>Not now</button><button type="submit" form="run-form" class="button button-primary">Run</button>');
    const danger = renderToStaticMarkup(<ConfirmDialog title="Delete?" message="Gone for good." confirm="Delete" danger onConfirm={noop} onClose={noop} />);
    expect(danger).toContain('class="button button-danger">Delete</button>');
  });

  it("keeps a footer of other buttons as given", () => {
    const html = renderToStaticMarkup(
      <Dialog title="Providers" onClose={noop} footer={<button type="button">Done</button>}>
        body
      </Dialog>,
    );
    expect(html).toContain('<div class="dialog-foot"><button type="button">Done</button></div>');
    expect(renderToStaticMarkup(<Dialog title="x" onClose={noop}>b</Dialog>)).not.toContain("dialog-foot");
  });
});
