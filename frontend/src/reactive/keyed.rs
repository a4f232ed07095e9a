use std::any::Any;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use leptos::prelude::*;

/// `<For>` (see the module docs): one row per item of `each`, kept, moved or re-created by
/// its `key` as the list changes, each row with its own reactive owner. Same props.
#[component]
pub fn Keyed<IF, I, T, EF, N, KF, K>(each: IF, key: KF, children: EF) -> impl IntoView
where
    IF: Fn() -> I + Send + 'static,
    I: IntoIterator<Item = T> + Send + 'static,
    EF: Fn(T) -> N + Send + Sync + 'static,
    N: IntoView + 'static,
    KF: Fn(&T) -> K + Send + 'static,
    K: Eq + Hash + Send + Sync + 'static,
    T: Send + 'static,
{
    let rows: Rows = Box::new(move || {
        each()
            .into_iter()
            .map(|item| Row {
                key: Key(Arc::new(key(&item))),
                item: Box::new(item),
            })
            .collect()
    });
    let row: RowView =
        Arc::new(move |item| children(*item.downcast::<T>().expect("a row of the list's type")).into_any());
    rows_view(rows, row)
}

/// An item with its key, both type-erased.
struct Row {
    key: Key,
    item: Box<dyn Any + Send>,
}

type Rows = Box<dyn Fn() -> Vec<Row> + Send>;
type RowView = Arc<dyn Fn(Box<dyn Any + Send>) -> AnyView + Send + Sync>;

/// The one `<For>` the app instantiates.
#[inline(never)]
fn rows_view(rows: Rows, row: RowView) -> AnyView {
    view! { <For each=rows key=|r: &Row| r.key.clone() children=move |r: Row| row(r.item) /> }.into_any()
}

/// A key of any type, compared and hashed as that type.
#[derive(Clone)]
struct Key(Arc<dyn DynKey>);

trait DynKey: Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn eq_key(&self, other: &dyn DynKey) -> bool;
    fn hash_key(&self, state: &mut dyn Hasher);
}

impl<K: Eq + Hash + Send + Sync + 'static> DynKey for K {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn eq_key(&self, other: &dyn DynKey) -> bool {
        other.as_any().downcast_ref::<K>() == Some(self)
    }

    fn hash_key(&self, mut state: &mut dyn Hasher) {
        self.hash(&mut state);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_key(&*other.0)
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash_key(state);
    }
}
