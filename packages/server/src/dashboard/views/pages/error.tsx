import { Layout, type LayoutProps } from "../layout.js";
import { Notice } from "../ui.js";

export function ErrorPage(props: { title: string; message: string; user?: LayoutProps["user"] }) {
  return (
    <Layout title={props.title} {...(props.user ? { user: props.user } : {})}>
      <h1>{props.title}</h1>
      <Notice tone="error">{props.message}</Notice>
      <p>
        <a href="/">Back to the vaults</a>
      </p>
    </Layout>
  );
}
