export default function TaskDetail({ id }: { id: string }) {
  return <div>{id}</div>;
}
