export default function CreateTask({ editId }: { editId?: string }) {
  return <div>{editId}</div>;
}
